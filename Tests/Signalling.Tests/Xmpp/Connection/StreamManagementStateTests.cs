using System.Xml.Linq;
using Mesh.Signalling.Xmpp.Connection;

namespace Mesh.Signalling.Tests.Xmpp.Connection;

public sealed class StreamManagementStateTests
{
    private static XElement Message(int i) => new(XName.Get("message", "jabber:client"), new XAttribute("id", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Acknowledged_stanzas_leave_the_queue_and_the_rest_are_resent_in_order()
    {
        var sm = new StreamManagementState();
        for (var i = 1; i <= 5; i++)
        {
            sm.OnSent(Message(i));
        }

        sm.OnAcknowledged(2);
        Assert.Equal(3, sm.UnackedCount);
        var resend = sm.TakeForResend(3);
        Assert.Equal(["4", "5"], resend.Select(m => (string)m.Attribute("id")!));
        Assert.Equal(3u, sm.OutboundSent);
    }

    [Fact]
    public void Counters_wrap_at_two_to_the_32()
    {
        var sm = new StreamManagementState();
        for (var i = 0; i < 3; i++)
        {
            sm.OnSent(Message(i));
        }

        // h values are compared in serial-number arithmetic, so a smaller h never acknowledges "the future".
        sm.OnAcknowledged(uint.MaxValue);
        Assert.Equal(3, sm.UnackedCount);
        sm.OnAcknowledged(3);
        Assert.Equal(0, sm.UnackedCount);
    }

    [Fact]
    public void Reset_returns_unacknowledged_stanzas_and_zeroes_counters()
    {
        var sm = new StreamManagementState { Id = "x" };
        sm.OnSent(Message(1));
        sm.OnReceived();
        var left = sm.Reset();
        Assert.Single(left);
        Assert.Equal(0u, sm.InboundHandled);
        Assert.Null(sm.Id);
    }
}
