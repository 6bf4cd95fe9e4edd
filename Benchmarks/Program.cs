using BenchmarkDotNet.Running;

// Runs the BenchmarkDotNet suites of this assembly; pick one with --filter, e.g. --filter '*Chunker*'.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
