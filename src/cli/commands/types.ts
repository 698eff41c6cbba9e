// What a command module gets: a way to set the process exit code without exiting.
export type SetExit = (code: number) => void;
