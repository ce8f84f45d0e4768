import { parentDirectories, remotePathProblem, temporaryUploadPath } from './remote-path.js';

describe('remote paths', () => {
  it.each([
    ['/opt/app/a.py', undefined],
    ['relative/file.txt', undefined],
    ['/tmp/a..b/c', undefined],
    ['', 'remote path is empty'],
    ['  ', 'remote path is empty'],
    ['../x', "remote path contains a '..' segment"],
    ['/tmp/a/../../etc/shadow', "remote path contains a '..' segment"],
    ['a\0b', 'remote path contains a NUL byte'],
    ['/tmp/dir/', 'remote path names a directory'],
  ])('%j → %s', (path, problem) => {
    expect(remotePathProblem(path)).toBe(problem);
  });

  it('writes uploads to a hidden sibling with a random suffix', () => {
    expect(temporaryUploadPath('/opt/app/model.bin')).toMatch(/^\/opt\/app\/\.model\.bin\.[0-9a-f]{12}\.part$/);
    expect(temporaryUploadPath('notes.txt')).toMatch(/^\.notes\.txt\.[0-9a-f]{12}\.part$/);
    expect(temporaryUploadPath('/a')).not.toBe(temporaryUploadPath('/a'));
  });

  it('lists the parent directories outermost first', () => {
    expect(parentDirectories('/opt/app/x/y.txt')).toEqual(['/opt', '/opt/app', '/opt/app/x']);
    expect(parentDirectories('a/b.txt')).toEqual(['a']);
    expect(parentDirectories('b.txt')).toEqual([]);
    expect(parentDirectories('/b.txt')).toEqual([]);
  });
});
