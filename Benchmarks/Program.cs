using System.Reflection;
using BenchmarkDotNet.Running;

// Runs the BenchmarkDotNet suites of this assembly; pick one with --filter, e.g. --filter '*Chunker*'.
// (Not typeof(Program): the mesh program's own Program type is visible here through InternalsVisibleTo.)
BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
