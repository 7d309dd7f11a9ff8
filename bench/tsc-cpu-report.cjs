// Preloaded into the tsc process by bench/tsc-types.mjs: prints the CPU time the process used
// (user + system, all its threads) as it exits, a figure other load on the machine inflates far
// less than wall time.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`\nCPU time: ${((user + system) / 1e6).toFixed(3)}s\n`);
});
