// Interactive terminals: a session that follows the local terminal, and its parts.
export { followTerminal, type FollowTerminalOptions, type TerminalSessionEnd } from './follow-terminal.js';
export { monitorTerminalSize, type MonitorTerminalSizeOptions, type SizedOutput, type TerminalSizeMonitor } from './size-monitor.js';
export { DEFAULT_DETACH_KEYS, DetachKeyScanner, parseDetachKeys } from './detach-keys.js';
export { enterRawMode, type ProcessHooks, type RawModeInput } from './raw-mode.js';
