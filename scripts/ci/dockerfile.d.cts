// Types for scripts/ci/dockerfile.cjs.

export interface DockerInstruction {
  instruction: string;
  /** After ARG/ENV substitution (except RUN and CMD, which get them as environment). */
  args: string;
  /** "INSTRUCTION args". */
  line: string;
  /** The working directory the instruction runs in. */
  workdir: string;
}

export interface DockerStage {
  name: string;
  from: string;
  parent: DockerStage | undefined;
  args: Record<string, string | undefined>;
  env: Record<string, string>;
  workdir: string;
  instructions: DockerInstruction[];
}

export declare function readDockerfile(file: string, buildArgs?: Record<string, string>): DockerStage[];
export declare function parseCopy(args: string): { from: string | undefined; parents: boolean; sources: string[]; dest: string };
export declare function matchSources(root: string, source: string): string[];
