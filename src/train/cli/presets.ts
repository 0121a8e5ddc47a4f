/**
 * Named training recipes for `npm run train -- --preset <name>`: a preset is a list of flags put
 * before the command line's own, so any flag given explicitly overrides it.
 */
import { ArgsError } from './args'

export interface Preset {
  help: string
  args: string[]
}

/** The presets; `shipped` is phase 1 of the default model (scripts/train-shipped-model.sh runs all nine). */
export const PRESETS = {
  quick: {
    help: 'about a minute on 2 cores: generated glyphs, 10-way 1-shot episodes, a 32-filter Conv-4, 150 steps',
    args: [
      '--data',
      'generated',
      '--ways',
      '10',
      '--shots',
      '1',
      '--queries',
      '4',
      '--width',
      '32',
      '--steps',
      '150',
      '--steps-per-epoch',
      '50',
      '--val-episodes',
      '100',
      '--checkpoint-every',
      '50',
    ],
  },
  shipped: {
    help: "the shipped model's recipe, phase 1 (pass --data <Omniglot>; hours): 60-way 5-shot 5-query prototypical episodes on images_background, cosine lr 1e-3, 650 steps",
    args: [
      '--split',
      'background',
      '--loss',
      'prototypical',
      '--ways',
      '60',
      '--shots',
      '5',
      '--queries',
      '5',
      '--schedule',
      'cosine',
      '--lr',
      '1e-3',
      '--steps',
      '650',
      '--steps-per-epoch',
      '50',
      '--checkpoint-every',
      '25',
      '--backend',
      'wasm',
    ],
  },
} satisfies Record<string, Preset>

export type PresetName = keyof typeof PRESETS

/** `--preset` help: every preset and what it is. */
export const PRESET_HELP = Object.entries(PRESETS)
  .map(([name, p]) => `${name}: ${p.help}`)
  .join('; ')

/**
 * `argv` with its `--preset <name>` (or `--preset=<name>`) replaced by the preset's flags, put
 * first so that the command line's own flags win.
 *
 * @example
 * withPreset(['--preset', 'quick', '--steps', '20']) // [...PRESETS.quick.args, '--steps', '20']
 */
export function withPreset(argv: string[]): string[] {
  const rest: string[] = []
  let name: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--preset') {
      if (i + 1 >= argv.length) throw new ArgsError('--preset: needs a value')
      name = argv[++i]
    } else if (a.startsWith('--preset=')) name = a.slice('--preset='.length)
    else rest.push(a)
  }
  if (name === undefined) return rest
  if (!(name in PRESETS))
    throw new ArgsError(
      `--preset: expected one of ${Object.keys(PRESETS).join(', ')}, got "${name}"`,
    )
  return [...PRESETS[name as PresetName].args, ...rest]
}
