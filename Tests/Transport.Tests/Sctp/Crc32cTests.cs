using System.Text;
using Mesh.Transport.Sctp;

namespace Mesh.Transport.Tests.Sctp;

public sealed class Crc32cTests
{
    [Fact]
    public void CheckValueOfTheStandardTestStringMatches() =>
        Assert.Equal(0xE3069283u, Crc32c.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void InstructionAndTableGiveTheSameResultForEveryLength()
    {
        var random = new Random(5);
        var data = new byte[3000];
        random.NextBytes(data);
        for (var length = 0; length < data.Length; length += 37)
        {
            Assert.Equal(~Crc32c.UpdateSoftware(uint.MaxValue, data.AsSpan(0, length)), Crc32c.Compute(data.AsSpan(0, length)));
        }
    }
}
