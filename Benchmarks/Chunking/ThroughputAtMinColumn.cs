using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Mesh.Benchmarks.Chunking;

/// <summary>GB/s at the fastest iteration, for benchmarks that report their bytes per call through <see cref="QuietSliceBenchmarks.BytesPerCall"/>.</summary>
public sealed class ThroughputAtMinColumn : IColumn
{
    public string Id => nameof(ThroughputAtMinColumn);

    public string ColumnName => "GB/s at Min";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "bytes per call / fastest iteration, in GB/s";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        var minNanoseconds = report?.ResultStatistics?.Min;
        if (minNanoseconds is null or <= 0)
        {
            return "-";
        }

        var bytes = QuietSliceBenchmarks.BytesPerCall(benchmarkCase.Descriptor.WorkloadMethod.Name);
        return (bytes / minNanoseconds.Value).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
