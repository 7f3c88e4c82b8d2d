import { randomInt } from 'node:crypto';
import { WorkbenchError } from '@workbench/core';
import type { CreateRunOptions } from './store.ts';
import { MLFLOW_TAGS } from './store.ts';
import { validateBatch } from './validation.ts';

// A short sample of MLflow's word lists (mlflow/utils/name_utils.py): names look like MLflow's own.
const PREDICATES = ['able', 'abundant', 'adorable', 'agreeable', 'amazing', 'amusing', 'bold', 'brave', 'bright', 'calm', 'capable', 'clean', 'clever', 'colorful', 'crawling', 'dapper', 'debonair', 'delicate', 'efficient', 'enchanting', 'fearless', 'gentle', 'glamorous', 'gregarious', 'handsome', 'honorable', 'illustrious', 'indecisive', 'intelligent', 'judicious', 'kindly', 'languid', 'learned', 'legendary', 'likeable', 'loud', 'luminous', 'marvelous', 'masked', 'melodic', 'merciful', 'mercurial', 'monumental', 'mysterious', 'nebulous', 'nimble', 'omniscient', 'orderly', 'overjoyed', 'peaceful', 'polite', 'popular', 'powerful', 'puzzled', 'redolent', 'resilient', 'rogue', 'rumbling', 'salty', 'secretive', 'selective', 'sedate', 'serious', 'shivering', 'silent', 'skillful', 'smiling', 'sneaky', 'spiffy', 'stately', 'suave', 'thoughtful', 'traveling', 'trusting', 'unequaled', 'upbeat', 'unruly', 'valuable', 'victorious', 'vaunted', 'welcoming', 'whimsical', 'wise', 'worried', 'youthful', 'zealous'];
const NOUNS = ['ant', 'ape', 'asp', 'auk', 'bass', 'bat', 'bear', 'bee', 'bird', 'boar', 'bug', 'calf', 'carp', 'cat', 'chimp', 'cod', 'colt', 'conch', 'cow', 'crab', 'crane', 'croc', 'crow', 'cub', 'deer', 'doe', 'dog', 'dolphin', 'donkey', 'dove', 'duck', 'eel', 'elk', 'fawn', 'finch', 'fish', 'flea', 'fly', 'foal', 'fowl', 'fox', 'frog', 'gnat', 'gnu', 'goat', 'goose', 'grouse', 'grub', 'gull', 'hare', 'hawk', 'hen', 'hog', 'horse', 'hound', 'jay', 'kit', 'kite', 'koi', 'lamb', 'lark', 'loon', 'lynx', 'mare', 'midge', 'mink', 'mole', 'moose', 'moth', 'mouse', 'mule', 'newt', 'owl', 'ox', 'panda', 'penguin', 'perch', 'pig', 'pug', 'quail', 'ram', 'rat', 'ray', 'robin', 'roo', 'rook', 'seal', 'shad', 'shark', 'sheep', 'shoat', 'shrew', 'shrike', 'shrimp', 'skink', 'skunk', 'sloth', 'slug', 'smelt', 'snail', 'snake', 'snipe', 'sow', 'sponge', 'squid', 'squirrel', 'stag', 'steed', 'stoat', 'stork', 'swan', 'tern', 'toad', 'trout', 'turtle', 'vole', 'wasp', 'whale', 'wolf', 'worm', 'wren', 'yak', 'zebra'];

/** A random run name in MLflow's style: `suave-ram-138`. */
export function generateRunName(): string {
  return `${PREDICATES[randomInt(PREDICATES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}

/**
 * The name and tags a new run gets, by MLflow's rules: the name comes from `runName`, else from an
 * `mlflow.runName` tag, else is generated; both given and different is an error; `parentRunId` becomes
 * the `mlflow.parentRunId` tag.
 */
export function newRunTags(options: CreateRunOptions): { runName: string; tags: Record<string, string> } {
  const tags: Record<string, string> = { ...options.tags };
  if (options.parentRunId !== undefined) tags[MLFLOW_TAGS.parentRunId] = options.parentRunId;
  const tagged = tags[MLFLOW_TAGS.runName];
  if (options.runName !== undefined && tagged !== undefined && tagged !== options.runName) {
    throw new WorkbenchError('TRACKING_INVALID', `run name '${options.runName}' and tag mlflow.runName '${tagged}' differ; give one of them`);
  }
  const runName = options.runName ?? tagged ?? generateRunName();
  tags[MLFLOW_TAGS.runName] = runName;
  validateBatch({ tags: Object.entries(tags).map(([key, value]) => ({ key, value })) });
  return { runName, tags };
}
