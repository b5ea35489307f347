using System.Buffers.Binary;
using System.Net;
using System.Text;
using PoshClient.Dns;

namespace PoshClient.Tests.Dns;

/// <summary>Writes DNS responses for the scripted server and the parser tests; names are written uncompressed.</summary>
internal sealed class TestDnsResponse
{
    private readonly List<byte[]> _answers = [];
    private readonly List<byte[]> _additionals = [];

    public required ushort Id { get; set; }

    public required string QuestionName { get; set; }

    public required DnsRecordType QuestionType { get; set; }

    public ushort QuestionClass { get; set; } = 1;

    public bool IsResponse { get; set; } = true;

    public bool Truncated { get; set; }

    public int ResponseCode { get; set; }

    /// <summary>A response that echoes the query's id and question.</summary>
    public static TestDnsResponse For(ScriptedDnsQuery query) =>
        new() { Id = query.Id, QuestionName = query.Name, QuestionType = query.Type };

    /// <summary>Changes header or question fields in a fluent chain.</summary>
    public TestDnsResponse With(Action<TestDnsResponse> change)
    {
        change(this);
        return this;
    }

    public TestDnsResponse AddSrv(string owner, ushort priority, ushort weight, ushort port, string target, uint ttl = 60)
    {
        var data = new List<byte>();
        data.AddRange(UInt16(priority));
        data.AddRange(UInt16(weight));
        data.AddRange(UInt16(port));
        data.AddRange(Name(target));
        _answers.Add(Record(owner, DnsRecordType.Srv, ttl, [.. data]));
        return this;
    }

    public TestDnsResponse AddAddress(string owner, IPAddress address, uint ttl = 60, bool additional = false)
    {
        var type = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? DnsRecordType.Aaaa : DnsRecordType.A;
        (additional ? _additionals : _answers).Add(Record(owner, type, ttl, address.GetAddressBytes()));
        return this;
    }

    public TestDnsResponse AddCName(string owner, string target, uint ttl = 60)
    {
        _answers.Add(Record(owner, DnsRecordType.CName, ttl, Name(target)));
        return this;
    }

    public byte[] Build()
    {
        var message = new List<byte>();
        message.AddRange(UInt16(Id));
        var flags = (IsResponse ? 0x8000 : 0) | 0x0100 | 0x0080 | (Truncated ? 0x0200 : 0) | (ResponseCode & 0xF);
        message.AddRange(UInt16((ushort)flags));
        message.AddRange(UInt16(1));
        message.AddRange(UInt16((ushort)_answers.Count));
        message.AddRange(UInt16(0));
        message.AddRange(UInt16((ushort)_additionals.Count));
        message.AddRange(Name(QuestionName));
        message.AddRange(UInt16((ushort)QuestionType));
        message.AddRange(UInt16(QuestionClass));
        foreach (var record in _answers.Concat(_additionals))
        {
            message.AddRange(record);
        }

        return [.. message];
    }

    public static byte[] Name(string name)
    {
        var result = new List<byte>();
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            result.Add((byte)label.Length);
            result.AddRange(Encoding.ASCII.GetBytes(label));
        }

        result.Add(0);
        return [.. result];
    }

    public static byte[] UInt16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Record(string owner, DnsRecordType type, uint ttl, byte[] data)
    {
        var record = new List<byte>();
        record.AddRange(Name(owner));
        record.AddRange(UInt16((ushort)type));
        record.AddRange(UInt16(1));
        var ttlBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(ttlBytes, ttl);
        record.AddRange(ttlBytes);
        record.AddRange(UInt16((ushort)data.Length));
        record.AddRange(data);
        return [.. record];
    }
}
