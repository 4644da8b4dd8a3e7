/** The extension's settings (contributes.configuration in package.json), read with their types. */
import * as vscode from 'vscode';
import { readBaseSetting, type BaseSetting } from './search/base-choice';
import { BACKEND_CHOICES, type BackendChoice } from '../shared/protocol';
import { EXPORT_FORMATS, type ExportFormat } from '../shared/export/format';
import { PRESETS, type PresetName } from '../shared/presets';

export const SETTINGS = {
  backend: 'ddas.engine.backend',
  nodePath: 'ddas.engine.nodePath',
  commitFormats: 'ddas.commit.formats',
  defaultPreset: 'ddas.search.defaultPreset',
  base: 'ddas.search.base',
  previewImages: 'ddas.preview.images',
} as const;

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration();
}

export function backendSetting(): BackendChoice {
  const value = section().get<string>(SETTINGS.backend, 'auto');
  return (BACKEND_CHOICES as readonly string[]).includes(value) ? (value as BackendChoice) : 'auto';
}

/** Empty: the Node running the extension host (process.execPath). */
export function nodePathSetting(): string {
  const value = section().get<unknown>(SETTINGS.nodePath, '');
  return typeof value === 'string' ? value : '';
}

export function commitFormatsSetting(): ExportFormat[] {
  const value = section().get<unknown>(SETTINGS.commitFormats, ['json']);
  const list = Array.isArray(value) ? value.filter((f): f is ExportFormat => (EXPORT_FORMATS as readonly unknown[]).includes(f)) : [];
  return list.length > 0 ? [...new Set(list)] : ['json'];
}

export function defaultPresetSetting(): PresetName {
  const value = section().get<string>(SETTINGS.defaultPreset, 'quick');
  return value in PRESETS ? (value as PresetName) : 'quick';
}

/** What the user's training does after the policy: "default" or {cropPadding, flipLR, cutout}; `problem` when the value is unusable. */
export function baseSetting(): { base: BaseSetting; problem?: string } {
  return readBaseSetting(section().get<unknown>(SETTINGS.base, 'default'));
}

/** A glob, or a list of image files (workspace-relative or absolute); empty = automatic. */
export function previewImagesSetting(): string | string[] {
  const value = section().get<unknown>(SETTINGS.previewImages, '');
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  return '';
}
