// Progress goes to stderr so stdout stays free for the one-line-per-engine summary.
export function log(message) {
  process.stderr.write(`engines: ${message}\n`);
}
