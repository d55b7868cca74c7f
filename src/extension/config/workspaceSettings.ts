// The settings and folders of the open workspace, read fresh on every use (settings can change at
// any time). The one place the extension asks VS Code for gaplens.* values.
import { dirname, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { resolveRunsRoot } from '../../core/config/runsRoot';
import { DEFAULT_PROFILES, inspectSettings, profileSetting, PROFILES_SETTING, RESTRICTED_SETTINGS, restrictedNote, type GapLensSettings, type IgnoredInRestrictedMode, type ModelProfile, type SettingGetter, type SettingsReading } from './settings';

export type SettingsTarget = 'user' | 'workspace';

/** What Restricted Mode ignores of the workspace's (and `folder`'s) gaplens.* settings; null when the workspace is trusted. */
function ignoredInRestrictedMode(folder: vscode.WorkspaceFolder | undefined): IgnoredInRestrictedMode | null {
  if (vscode.workspace.isTrusted) return null;
  const config = vscode.workspace.getConfiguration('gaplens', folder?.uri);
  const ignored: IgnoredInRestrictedMode = { profiles: 0, settings: [] };
  for (const key of RESTRICTED_SETTINGS) {
    const inspected = config.inspect<unknown>(key);
    const values = [inspected?.workspaceValue, inspected?.workspaceFolderValue].filter((v) => v !== undefined);
    if (values.length === 0) continue;
    if (key === 'modelProfiles') ignored.profiles += values.reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : 1), 0);
    else ignored.settings.push(key);
  }
  return ignored;
}

export class WorkspaceSettings {
  /** Problems already reported: settings are read on every use, a problem is said once. */
  private readonly reported = new Set<string>();

  /** `report`: says a problem that leaves something out (a bad model profile) without stopping what reads the settings. */
  constructor(
    private readonly globalStorage: vscode.Uri,
    private readonly report: (problem: string) => void,
  ) {}

  /**
   * Validated settings as they apply to `path`'s workspace folder (or the first folder). A bad model
   * profile is reported and left out; a bad value of another setting throws, naming it, since a run
   * would use it.
   */
  settings(path?: string): GapLensSettings {
    const { settings, problems } = this.read(path);
    problems.throwIfAny(Object.keys(settings).filter((key) => key !== 'profiles'));
    return settings;
  }

  /** The valid model profiles for `path`; each bad one reported and left out. No other setting is needed. */
  profiles(path?: string): ModelProfile[] {
    return this.read(path).settings.profiles;
  }

  /** Every setting, each bad model profile reported once (whatever reads the settings first says it: often the runs tree). */
  private read(path?: string): SettingsReading {
    const reading = inspectSettings(this.getter(path), this.folderOf(path)?.uri.fsPath);
    for (const problem of reading.problems.of([PROFILES_SETTING])) {
      if (this.reported.has(problem)) continue;
      this.reported.add(problem);
      this.report(problem);
    }
    return reading;
  }

  /** The gaplens.* values as they apply to `path`'s workspace folder, unvalidated (each reader validates its own). */
  getter(path?: string): SettingGetter {
    const config = vscode.workspace.getConfiguration('gaplens', this.folderOf(path)?.uri);
    // get(), never inspect(): in Restricted Mode get() leaves out workspace values of the settings
    // package.json lists as restrictedConfigurations (endpoints), inspect() would not.
    return (key) => config.get<unknown>(key);
  }

  /**
   * The model profiles of the user's own settings only (never the workspace's): the endpoints and
   * model files the user named themselves. The built-in profiles when the user set none.
   */
  userProfiles(): ModelProfile[] {
    const value = vscode.workspace.getConfiguration('gaplens').inspect<unknown>('modelProfiles')?.globalValue;
    if (value === undefined) return DEFAULT_PROFILES;
    // Relative model paths of a user profile have no workspace to anchor them: they stay as written.
    return inspectSettings((key) => (key === PROFILES_SETTING ? value : undefined), undefined).settings.profiles;
  }

  /**
   * Appends a profile to gaplens.modelProfiles of the user's or the workspace's settings. Where the
   * setting is unset there, the built-in profile applied: it stays, beside the new one.
   */
  async addProfile(profile: ModelProfile, target: SettingsTarget): Promise<void> {
    const config = vscode.workspace.getConfiguration('gaplens');
    const inspected = config.inspect<unknown>('modelProfiles');
    const current = target === 'user' ? inspected?.globalValue : inspected?.workspaceValue;
    const list = Array.isArray(current) ? current : DEFAULT_PROFILES.map(profileSetting);
    await config.update('modelProfiles', [...list, profileSetting(profile)], target === 'user' ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace);
  }

  /** Whether the workspace's own gaplens.modelProfiles replaces the user's here (VS Code does not merge lists). */
  workspaceHasProfiles(): boolean {
    const inspected = vscode.workspace.getConfiguration('gaplens').inspect<unknown>('modelProfiles');
    return inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined;
  }

  /** What Restricted Mode ignores of the workspace's settings for `path`, in one line; undefined when nothing. */
  restrictedNote(path?: string): string | undefined {
    const ignored = ignoredInRestrictedMode(this.folderOf(path));
    return ignored ? restrictedNote(ignored) : undefined;
  }

  /** Where new runs for `path` (a task file) go; only a bad gaplens.runsFolder stops it. */
  runsRootFor(path?: string): string {
    const { settings, problems } = this.read(path);
    problems.throwIfAny(['runsFolder']);
    return resolveRunsRoot(settings.runsFolder, this.folderOf(path)?.uri.fsPath, this.globalStorage.fsPath);
  }

  /** Every folder runs are listed from: one per workspace folder (de-duplicated). */
  runsRoots(): string[] {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) return [this.runsRootFor()];
    return [...new Set(folders.map((f) => this.runsRootFor(f.uri.fsPath)))];
  }

  /** The workspace folder holding `path`, else the first one. */
  folderOf(path?: string): vscode.WorkspaceFolder | undefined {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (path !== undefined) {
      const holder = folders.find((f) => path === f.uri.fsPath || path.startsWith(f.uri.fsPath + sep));
      if (holder) return holder;
    }
    return folders[0];
  }

  /** Whether `path` is inside one of the workspace's folders. */
  contains(path: string): boolean {
    return (vscode.workspace.workspaceFolders ?? []).some((f) => path === f.uri.fsPath || path.startsWith(f.uri.fsPath + sep));
  }

  /** `path` relative to its workspace folder, for display; as is outside the workspace. */
  display(path: string): string {
    const folder = this.folderOf(path);
    if (!folder || !(path.startsWith(folder.uri.fsPath + sep))) return path;
    const rel = relative(folder.uri.fsPath, path);
    return (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? `${folder.name}/${rel}` : rel;
  }

  /** The folder of a display path, for quick-pick descriptions. */
  displayDir(path: string): string {
    const shown = dirname(this.display(path));
    return shown === '.' ? '' : shown;
  }
}
