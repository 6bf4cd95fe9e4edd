using Mesh.Simulator.Network;
using Mesh.Simulator.Scenarios;
using Mesh.Transport.Ice;
using Xunit.Abstractions;

namespace Mesh.Simulator.Tests.Ice;

public class IceSmokeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(IceSideKind.Public, IceSideKind.Public)]
    [InlineData(IceSideKind.BehindNat, IceSideKind.BehindNat)]
    [InlineData(IceSideKind.BehindNat, IceSideKind.Public)]
    public void Smoke(IceSideKind a, IceSideKind b)
    {
        var r = IceScenario.Run(new IceScenarioOptions { SideA = a, SideB = b, UseTurn = false });
        output.WriteLine(r.ToString());
        Assert.True(r.Connected, r.Failure);
    }
}
