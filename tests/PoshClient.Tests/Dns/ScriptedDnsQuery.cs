using PoshClient.Dns;

namespace PoshClient.Tests.Dns;

/// <summary>A query as the scripted server received it.</summary>
internal sealed record ScriptedDnsQuery(byte[] Message, ushort Id, string Name, DnsRecordType Type, bool OverTcp);
