using System.Net;
using Mesh.Simulator.Network;

namespace Mesh.Simulator.Tests.Network;

public class NatBoxTests
{
    /// <summary>
    /// RFC 4787 section 4.1: after the inside host has sent to A:3478, which of its later destinations reuse the
    /// same external endpoint. Columns: mapping | same for A:3479 (other port) | same for B:3478 (other address).
    /// </summary>
    [Theory]
    [InlineData(NatMappingBehavior.EndpointIndependent, true, true)]
    [InlineData(NatMappingBehavior.AddressDependent, true, false)]
    [InlineData(NatMappingBehavior.AddressAndPortDependent, false, false)]
    public void Mapping_reuse_follows_the_behaviour_table(NatMappingBehavior mapping, bool sameForOtherPort, bool sameForOtherAddress)
    {
        var t = new NatTopology(new NatBehavior { Mapping = mapping });

        var first = t.MappedAt(t.A1);
        var otherPort = t.MappedAt(t.A2);
        var otherAddress = t.MappedAt(t.B1);

        Assert.Equal(t.Nat.ExternalAddress, first.Address);
        Assert.Equal(sameForOtherPort, first.Equals(otherPort));
        Assert.Equal(sameForOtherAddress, first.Equals(otherAddress));
        Assert.Equal(first, t.MappedAt(t.A1));
    }

    /// <summary>
    /// RFC 4787 section 5: after the inside host has sent to A:3478 only, who may send back through that mapping.
    /// Columns: filtering | from A:3478 | from A:3479 (same address, other port) | from B:3478 (other address).
    /// </summary>
    [Theory]
    [InlineData(NatFilteringBehavior.EndpointIndependent, true, true, true)]
    [InlineData(NatFilteringBehavior.AddressDependent, true, true, false)]
    [InlineData(NatFilteringBehavior.AddressAndPortDependent, true, false, false)]
    public void Filtering_admits_what_the_behaviour_table_says(NatFilteringBehavior filtering, bool fromSame, bool fromOtherPort, bool fromOtherAddress)
    {
        var t = new NatTopology(new NatBehavior { Filtering = filtering });
        var mapped = t.MappedAt(t.A1);

        Assert.Equal(fromSame, t.Reaches(t.A1, mapped));
        Assert.Equal(fromOtherPort, t.Reaches(t.A2, mapped));
        Assert.Equal(fromOtherAddress, t.Reaches(t.B1, mapped));
    }

    [Fact]
    public void Unsolicited_inbound_packets_are_dropped()
    {
        var t = new NatTopology(NatBehavior.FullCone);

        Assert.False(t.Reaches(t.A1, new IPEndPoint(t.Nat.ExternalAddress, 5000)));
        Assert.Equal(1, t.Network.Counters[NetworkTraceKind.DroppedNoMapping]);
    }

    [Theory]
    [InlineData(true, 5000)]
    [InlineData(false, -1)]
    public void Port_preservation_keeps_the_internal_port_when_it_is_free(bool preserve, int expectedPort)
    {
        var t = new NatTopology(new NatBehavior { PortPreservation = preserve });

        var mapped = t.MappedAt(t.A1);

        if (expectedPort > 0)
        {
            Assert.Equal(expectedPort, mapped.Port);
        }
        else
        {
            Assert.NotEqual(5000, mapped.Port);
        }
    }

    [Fact]
    public void A_second_host_with_the_same_port_gets_another_external_port()
    {
        var t = new NatTopology(NatBehavior.FullCone);
        var other = t.Network.AddHost("other", t.Nat.Inside).BindUdp(new IPEndPoint(IPAddress.Any, 5000));
        var first = t.MappedAt(t.A1);

        other.Send([1], t.A1.EndPoint);
        t.Network.Clock.RunFor(TimeSpan.FromMilliseconds(100));

        Assert.Equal(5000, first.Port);
        Assert.NotEqual(first, t.A1.Received[^1]);
        Assert.Equal(t.Nat.ExternalAddress, t.A1.Received[^1].Address);
    }

    [Fact]
    public void Mappings_expire_after_the_timeout_without_outbound_traffic()
    {
        var t = new NatTopology(new NatBehavior { Filtering = NatFilteringBehavior.EndpointIndependent, MappingTimeout = TimeSpan.FromSeconds(30) });
        var mapped = t.MappedAt(t.A1);

        t.Network.Clock.RunFor(TimeSpan.FromSeconds(20));
        Assert.True(t.Reaches(t.A1, mapped));
        t.Network.Clock.RunFor(TimeSpan.FromSeconds(20));

        Assert.False(t.Reaches(t.A1, mapped));
        Assert.Equal(0, t.Nat.MappingCount);
    }

    [Fact]
    public void Outbound_traffic_refreshes_a_mapping()
    {
        var t = new NatTopology(new NatBehavior { MappingTimeout = TimeSpan.FromSeconds(30) });
        var mapped = t.MappedAt(t.A1);

        for (var i = 0; i < 4; i++)
        {
            t.Network.Clock.RunFor(TimeSpan.FromSeconds(20));
            Assert.Equal(mapped, t.MappedAt(t.A1));
        }

        Assert.True(t.Reaches(t.A1, mapped));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void Hairpinning_loops_packets_to_the_external_address_back_inside(bool hairpinning, bool delivered)
    {
        var t = new NatTopology(new NatBehavior { Hairpinning = hairpinning, Filtering = NatFilteringBehavior.AddressAndPortDependent });
        var peerHost = t.Network.AddHost("peer", t.Nat.Inside);
        var peer = peerHost.BindUdp(new IPEndPoint(IPAddress.Any, 6000));
        IPEndPoint? seen = null;
        peer.Start((_, from) => seen = from);
        var clientMapped = t.MappedAt(t.A1);
        peer.Send([1], t.A1.EndPoint);
        t.Network.Clock.RunFor(TimeSpan.FromMilliseconds(100));
        var peerMapped = t.A1.Received[^1];

        // Both open their filters towards each other's external endpoint, then the client sends to the peer's.
        peer.Send([1], clientMapped);
        t.Client.Send([1], peerMapped);
        t.Network.Clock.RunFor(TimeSpan.FromMilliseconds(100));

        Assert.Equal(delivered, seen is not null);
        if (delivered)
        {
            // REQ-9: the looped-back packet shows the sender's external mapping, not its private address.
            Assert.Equal(clientMapped, seen);
        }
    }

    [Fact]
    public void Hosts_on_the_same_lan_reach_each_other_directly()
    {
        var t = new NatTopology(NatBehavior.Symmetric);
        var peer = t.Network.AddHost("peer", t.Nat.Inside).BindUdp(new IPEndPoint(IPAddress.Any, 6000));
        peer.Send([1], new IPEndPoint(t.Inside.Address, 5000));
        t.Network.Clock.RunFor(TimeSpan.FromMilliseconds(10));

        Assert.Single(t.ClientReceived);
        Assert.Equal(0, t.Nat.MappingCount);
    }

    [Fact]
    public void Nested_nats_translate_twice()
    {
        var t = new NatTopology(NatBehavior.FullCone);
        var carrier = t.Network.AddNat("cgnat", t.Internet, NatBehavior.PortRestrictedCone, "100.64.0.0/24");
        var home = t.Network.AddNat("home", carrier.Inside, NatBehavior.PortRestrictedCone, "192.168.7.0/24");
        var host = t.Network.AddHost("deep", home.Inside).BindUdp(new IPEndPoint(IPAddress.Any, 7000));
        var replies = 0;
        host.Start((_, _) => replies++);

        host.Send([1], t.A1.EndPoint);
        t.Network.Clock.RunFor(TimeSpan.FromMilliseconds(100));
        var mapped = t.A1.Received[^1];
        t.A1.Endpoint.Send([2], mapped);
        t.Network.Clock.RunFor(TimeSpan.FromMilliseconds(100));

        Assert.Equal(carrier.ExternalAddress, mapped.Address);
        Assert.Equal(1, replies);
    }
}
