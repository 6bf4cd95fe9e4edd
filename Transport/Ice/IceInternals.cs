using System.Runtime.CompilerServices;

// The ICE unit tests drive the checklist and candidate bases directly; nothing else sees these internals.
[assembly: InternalsVisibleTo("Mesh.Transport.Tests")]
