import type { Container } from '../container';
import type { CommandId } from '../commandIds';

/** One palette/menu command. Registered in one loop by extension.ts. */
export interface Command {
  readonly id: CommandId;
  run(container: Container, ...args: unknown[]): unknown;
}
