namespace Mesh.Transport.Sctp;

/// <summary>A growable ring of items indexed from the oldest, for the send side's in-flight chunks (ordered by TSN).</summary>
internal sealed class ChunkRing<T>
    where T : class
{
    private T?[] _items = new T?[256];
    private int _head;

    public int Count { get; private set; }

    public T this[int index] => _items[(_head + index) & (_items.Length - 1)]!;

    public void Add(T item)
    {
        if (Count == _items.Length)
        {
            var grown = new T?[_items.Length * 2];
            for (var i = 0; i < Count; i++)
            {
                grown[i] = this[i];
            }

            _items = grown;
            _head = 0;
        }

        _items[(_head + Count) & (_items.Length - 1)] = item;
        Count++;
    }

    public T RemoveHead()
    {
        var item = _items[_head]!;
        _items[_head] = null;
        _head = (_head + 1) & (_items.Length - 1);
        Count--;
        return item;
    }
}
