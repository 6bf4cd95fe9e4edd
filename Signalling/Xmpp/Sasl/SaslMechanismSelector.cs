namespace Mesh.Signalling.Xmpp.Sasl;

/// <summary>
/// Picks the strongest SASL mechanism both sides support: SCRAM-SHA-256-PLUS, SCRAM-SHA-1-PLUS,
/// SCRAM-SHA-256, SCRAM-SHA-1, and PLAIN only inside TLS.
/// </summary>
/// <remarks>
/// A PLUS variant is used only when the server lists a binding type we can compute in its XEP-0440
/// announcement; guessing would turn a binding mismatch into a false "wrong password". Without PLUS
/// the GS2 flag is "y" when we could have bound but the server offers no PLUS mechanism at all (so a
/// man in the middle who stripped PLUS from the list is caught by the server), and "n" otherwise.
/// </remarks>
internal static class SaslMechanismSelector
{
    private static readonly string[] Preference = ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"];

    /// <summary>
    /// Chooses among <paramref name="offered"/>; <paramref name="allowed"/> (when not null) restricts the
    /// choice, e.g. to test one mechanism. Null when nothing acceptable is offered.
    /// </summary>
    public static SaslChoice? Choose(
        IReadOnlyCollection<string> offered,
        bool tlsActive,
        ChannelBinding? binding,
        IReadOnlyCollection<string>? serverBindingTypes,
        IReadOnlyCollection<string>? allowed)
    {
        ArgumentNullException.ThrowIfNull(offered);
        var serverHasPlus = offered.Any(m => m.EndsWith("-PLUS", StringComparison.Ordinal));
        var canBind = tlsActive && binding is not null;
        var bindingUsable = canBind && serverBindingTypes is not null && serverBindingTypes.Contains(binding!.Type);
        foreach (var mechanism in Preference)
        {
            if (!offered.Contains(mechanism) || (allowed is not null && !allowed.Contains(mechanism)))
            {
                continue;
            }

            if (mechanism.EndsWith("-PLUS", StringComparison.Ordinal))
            {
                if (bindingUsable)
                {
                    return new SaslChoice(mechanism, "p=" + binding!.Type, binding);
                }

                continue;
            }

            if (mechanism == "PLAIN")
            {
                if (!tlsActive)
                {
                    continue;
                }

                return new SaslChoice(mechanism, "n", null);
            }

            return new SaslChoice(mechanism, canBind && !serverHasPlus ? "y" : "n", null);
        }

        return null;
    }
}
