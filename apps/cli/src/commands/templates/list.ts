import { Flags } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { listTemplates, renderTemplates } from '../../services/templates.js';

const bool = (value: string | undefined): boolean | undefined => (value === undefined ? undefined : value === 'true');

export default class TemplatesList extends BaseCommand<typeof TemplatesList> {
  static override summary = 'Lists Vast.ai launch templates (the recommended set) with what each needs of a host.';
  static override description =
    'Templates are Vast.ai images with defaults, named by hash id. Pass one to `inventory --template` to see only hosts that meet its CUDA and VRAM requirements. With -o json the {templates, count} object is printed.';

  static override examples = [
    { description: 'Every recommended template', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Templates with SSH whose name contains "vllm"', command: '<%= config.bin %> <%= command.id %> --name vllm --use-ssh true' },
    { description: 'Hash ids only', command: `<%= config.bin %> <%= command.id %> -o json | jq -r '.templates[].hash_id'` },
  ];

  static override flags = {
    name: Flags.string({ description: 'Case-insensitive substring of the name' }),
    image: Flags.string({ description: 'Case-insensitive substring of the Docker image' }),
    recommended: Flags.option({ description: 'Only recommended (true) or only other (false) templates', options: ['true', 'false'] as const })(),
    'use-ssh': Flags.option({ description: 'Only templates with SSH (true) or without (false)', options: ['true', 'false'] as const })(),
  };

  public async run(): Promise<void> {
    const response = await listTemplates(this.client(), {
      name: this.flags.name,
      image: this.flags.image,
      recommended: bool(this.flags.recommended),
      useSsh: bool(this.flags['use-ssh']),
    });
    this.print(response, () => renderTemplates(response));
  }
}
