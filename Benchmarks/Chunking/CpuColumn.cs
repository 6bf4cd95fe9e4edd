using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Mesh.Benchmarks.Chunking;

/// <summary>Median process CPU seconds per operation and the bytes per CPU second that gives (see <see cref="CpuMeter"/>).</summary>
public sealed class CpuColumn(string columnName, long bytesPerOperation, bool asThroughput) : IColumn
{
    public string Id => nameof(CpuColumn) + columnName;

    public string ColumnName => columnName;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => asThroughput ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => asThroughput ? "GB per CPU second (median)" : "CPU seconds per operation (median, whole process)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var seconds = CpuMeter.Median(benchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''));
        if (seconds is not { } s || s <= 0)
        {
            return "-";
        }

        return asThroughput
            ? (bytesPerOperation / s / 1e9).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)
            : s.ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
