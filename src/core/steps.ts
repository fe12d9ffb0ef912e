/** What kind of work a request is. The classifier picks one; prompts and routing key on it. */
export type StepType =
  | 'rename'
  | 'format'
  | 'boilerplate'
  | 'docs'
  | 'explain'
  | 'tests'
  | 'implement'
  | 'fix'
  | 'refactor'
  | 'review'
  | 'securityReview'
  | 'architecture'
  | 'ask';

export const STEP_TYPES: readonly StepType[] = [
  'rename', 'format', 'boilerplate', 'docs', 'explain', 'tests', 'implement',
  'fix', 'refactor', 'review', 'securityReview', 'architecture', 'ask',
];

/**
 * The editor commands that send a request. The command is the classifier's strongest
 * prior; `ask` is free-form and routed on its text alone.
 */
export type RequestCommand =
  | 'ask'
  | 'rename'
  | 'tidy'
  | 'docs'
  | 'tests'
  | 'explain'
  | 'refactor'
  | 'fix'
  | 'review'
  | 'securityReview'
  | 'architectureReview';
