import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Calls back once things settle after gateway.yaml or any mapping file changed. The folder of
 * gateway.yaml is watched rather than the file, because editors replace files by renaming.
 */
export class ConfigWatcher {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    configFile: string,
    mappingsFolder: string,
    private readonly debounceMs: number,
    private readonly onChange: () => void,
  ) {
    const name = basename(configFile);
    this.add(dirname(configFile), false, (file) => file === name);
    this.add(mappingsFolder, true, (file) => /\.(ya?ml|xml)$/i.test(file));
  }

  close(): void {
    clearTimeout(this.timer);
    for (const watcher of this.watchers) watcher.close();
  }

  private add(folder: string, recursive: boolean, relevant: (file: string) => boolean): void {
    try {
      const watcher = watch(folder, { recursive, persistent: false }, (_event, file) => {
        if (file !== null && relevant(basename(file.toString()))) this.schedule();
      });
      watcher.on('error', () => watcher.close());
      this.watchers.push(watcher);
    } catch {
      // A folder that cannot be watched (gone, or no inotify) still reloads on SIGHUP and /admin/reload.
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onChange, this.debounceMs);
    this.timer.unref();
  }
}
