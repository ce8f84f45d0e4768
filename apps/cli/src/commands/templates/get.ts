import { Args } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { renderTemplate } from '../../services/templates.js';

export default class TemplatesGet extends BaseCommand<typeof TemplatesGet> {
  static override summary = 'Shows one Vast.ai template by hash id: image, options and host requirements.';
  static override description = 'Any public template, recommended or not; an unknown hash id is an error (exit code of "not found"). With -o json the template object is printed.';

  static override examples = [{ description: 'The vLLM template', command: '<%= config.bin %> <%= command.id %> a4d2a0b85ae6719c0906ff66e7b3b434' }];

  static override args = {
    'hash-id': Args.string({ description: 'The template hash id', required: true }),
  };

  public async run(): Promise<void> {
    const template = await this.client().templates.retrieve(this.args['hash-id']);
    this.print(template, () => renderTemplate(template));
  }
}
