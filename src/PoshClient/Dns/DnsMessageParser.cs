using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;
using PoshClient.Dane;

namespace PoshClient.Dns;

/// <summary>
/// Parses DNS responses (RFC 1035 §4.1) defensively: every read is bounds-checked, compression pointers (§4.1.4) are
/// accepted in every name, and must point strictly backwards, which rules out loops.
/// </summary>
internal static class DnsMessageParser
{
    private const int HeaderLength = 12;
    private const int MaxNameLength = 255;
    private const ushort ExtendedErrorOption = 15;

    /// <summary>
    /// Parses a message. With <paramref name="includeRecords"/> false only the header and question are read, which is
    /// enough to decide whether a datagram answers our query, and works on truncated (TC=1) responses.
    /// </summary>
    public static bool TryParse(
        ReadOnlySpan<byte> message,
        bool includeRecords,
        [NotNullWhen(true)] out DnsMessage? result,
        [NotNullWhen(false)] out string? error)
    {
        try
        {
            result = Parse(message, includeRecords);
            error = null;
            return true;
        }
        catch (FormatException ex)
        {
            result = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Reads a possibly compressed name at <paramref name="offset"/> and moves past it; "." for the root name.</summary>
    public static string ReadName(ReadOnlySpan<byte> message, ref int offset)
    {
        var builder = new StringBuilder();
        var position = offset;
        var end = -1;
        var wireLength = 1;

        // A pointer must point before the start of the run of labels it ends, so positions strictly decrease
        // across jumps and a crafted loop (a pointer to itself or to a later pointer back) is rejected.
        var segmentStart = position;
        while (true)
        {
            if (position >= message.Length)
            {
                throw new FormatException($"A name at offset {offset} runs past the end of the message.");
            }

            var length = message[position];
            switch (length & 0xC0)
            {
                case 0x00 when length == 0:
                    offset = end < 0 ? position + 1 : end;
                    return builder.Length == 0 ? "." : builder.ToString(0, builder.Length - 1);
                case 0x00:
                    if (position + 1 + length > message.Length)
                    {
                        throw new FormatException($"A label at offset {position} runs past the end of the message.");
                    }

                    wireLength += length + 1;
                    if (wireLength > MaxNameLength)
                    {
                        throw new FormatException($"The name at offset {offset} is longer than {MaxNameLength} octets.");
                    }

                    builder.Append(Encoding.Latin1.GetString(message.Slice(position + 1, length))).Append('.');
                    position += length + 1;
                    break;
                case 0xC0:
                    if (position + 1 >= message.Length)
                    {
                        throw new FormatException($"A compression pointer at offset {position} is cut off.");
                    }

                    var target = ((length & 0x3F) << 8) | message[position + 1];
                    if (target >= segmentStart)
                    {
                        throw new FormatException($"The compression pointer at offset {position} points forward to {target} (a loop or a corrupt message).");
                    }

                    if (end < 0)
                    {
                        end = position + 2;
                    }

                    position = target;
                    segmentStart = target;
                    break;
                default:
                    throw new FormatException($"Unsupported label type 0x{length:X2} at offset {position}.");
            }
        }
    }

    private static DnsMessage Parse(ReadOnlySpan<byte> message, bool includeRecords)
    {
        if (message.Length < HeaderLength)
        {
            throw new FormatException($"The message has {message.Length} bytes, fewer than a {HeaderLength}-byte header.");
        }

        var id = BinaryPrimitives.ReadUInt16BigEndian(message);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        var questionCount = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var answerCount = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var authorityCount = BinaryPrimitives.ReadUInt16BigEndian(message[8..]);
        var additionalCount = BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        var offset = HeaderLength;

        DnsQuestion? question = null;
        for (var i = 0; i < questionCount; i++)
        {
            var name = ReadName(message, ref offset);
            var type = (DnsRecordType)ReadUInt16(message, ref offset);
            var questionClass = ReadUInt16(message, ref offset);
            question = questionCount == 1 ? new DnsQuestion(name, type, questionClass) : null;
        }

        var isTruncated = (flags & 0x0200) != 0;
        var header = new DnsMessage
        {
            Id = id,
            IsResponse = (flags & 0x8000) != 0,
            IsTruncated = isTruncated,
            IsAuthenticData = (flags & 0x0020) != 0,
            ResponseCode = (DnsResponseCode)(flags & 0x000F),
            Question = question,
        };
        if (!includeRecords)
        {
            return header;
        }

        var answers = ReadRecords(message, ref offset, answerCount);
        var authorities = ReadRecords(message, ref offset, authorityCount);
        var additionals = ReadRecords(message, ref offset, additionalCount);
        return header with
        {
            Answers = answers,
            Authorities = authorities,
            Additionals = additionals,
            ExtendedErrors = [.. additionals.Where(r => r.Type == DnsRecordType.Opt).SelectMany(r => r.ExtendedErrors)],
        };
    }

    private static List<DnsResourceRecord> ReadRecords(ReadOnlySpan<byte> message, ref int offset, int count)
    {
        var records = new List<DnsResourceRecord>(Math.Min(count, 64));
        for (var i = 0; i < count; i++)
        {
            records.Add(ReadRecord(message, ref offset));
        }

        return records;
    }

    private static DnsResourceRecord ReadRecord(ReadOnlySpan<byte> message, ref int offset)
    {
        var name = ReadName(message, ref offset);
        var type = (DnsRecordType)ReadUInt16(message, ref offset);
        var recordClass = ReadUInt16(message, ref offset);
        var ttl = ReadUInt32(message, ref offset);
        var dataLength = ReadUInt16(message, ref offset);
        var dataStart = offset;
        var dataEnd = dataStart + dataLength;
        if (dataEnd > message.Length)
        {
            throw new FormatException($"The RDATA of a {type} record for '{name}' runs past the end of the message.");
        }

        // RFC 2181 §8: a TTL with the top bit set is treated as zero.
        var record = new DnsResourceRecord
        {
            Name = name,
            Type = type,
            Class = recordClass,
            TimeToLive = TimeSpan.FromSeconds(ttl > int.MaxValue ? 0 : ttl),
        };
        var data = message[..dataEnd];
        switch (type)
        {
            case DnsRecordType.A when recordClass == DnsQuestion.ClassInternet:
                record = record with { Address = ReadAddress(data, dataStart, dataLength, 4, name) };
                break;
            case DnsRecordType.Aaaa when recordClass == DnsQuestion.ClassInternet:
                record = record with { Address = ReadAddress(data, dataStart, dataLength, 16, name) };
                break;
            case DnsRecordType.CName:
                var cnameOffset = dataStart;
                record = record with { CanonicalName = ReadName(data, ref cnameOffset) };
                EnsureConsumed(cnameOffset, dataEnd, type, name);
                break;
            case DnsRecordType.Srv:
                var srvOffset = dataStart;
                var priority = ReadUInt16(data, ref srvOffset);
                var weight = ReadUInt16(data, ref srvOffset);
                var port = ReadUInt16(data, ref srvOffset);

                // RFC 2782 forbids compressing the target, but servers do it anyway; ReadName accepts it.
                var target = ReadName(data, ref srvOffset);
                EnsureConsumed(srvOffset, dataEnd, type, name);
                record = record with
                {
                    Srv = new SrvRecord { Priority = priority, Weight = weight, Port = port, Target = target, TimeToLive = record.TimeToLive },
                };
                break;
            case DnsRecordType.Tlsa:
                // RFC 6698 §2.1: usage, selector, matching type (one octet each), then the association data.
                if (dataLength < 3)
                {
                    throw new FormatException($"The RDATA of a TLSA record for '{name}' has {dataLength} bytes, fewer than 3.");
                }

                record = record with
                {
                    Tlsa = new TlsaRecord
                    {
                        Usage = data[dataStart],
                        Selector = data[dataStart + 1],
                        MatchingType = data[dataStart + 2],
                        Data = data[(dataStart + 3)..dataEnd].ToArray(),
                        TimeToLive = record.TimeToLive,
                    },
                };
                break;
            case DnsRecordType.Opt:
                record = record with { ExtendedErrors = ReadExtendedErrors(data[dataStart..dataEnd], name) };
                break;
        }

        offset = dataEnd;
        return record;
    }

    /// <summary>Reads the EDE options (RFC 8914 §2) of an OPT record's RDATA, a sequence of (code, length, data) options (RFC 6891 §6.1.2).</summary>
    private static List<DnsExtendedError> ReadExtendedErrors(ReadOnlySpan<byte> options, string name)
    {
        var errors = new List<DnsExtendedError>();
        var offset = 0;
        while (offset < options.Length)
        {
            var code = ReadUInt16(options, ref offset);
            var length = ReadUInt16(options, ref offset);
            if (offset + length > options.Length)
            {
                throw new FormatException($"An EDNS option in the OPT record '{name}' runs past its RDATA.");
            }

            if (code == ExtendedErrorOption && length >= 2)
            {
                var infoCode = BinaryPrimitives.ReadUInt16BigEndian(options[offset..]);

                // RFC 8914 §2: EXTRA-TEXT is UTF-8 and not NUL-terminated; it is for people, so replace what does not decode.
                var text = Encoding.UTF8.GetString(options.Slice(offset + 2, length - 2));
                errors.Add(new DnsExtendedError(infoCode, text));
            }

            offset += length;
        }

        return errors;
    }

    private static IPAddress ReadAddress(ReadOnlySpan<byte> data, int start, int length, int expected, string name)
    {
        if (length != expected)
        {
            throw new FormatException($"An address record for '{name}' has {length} bytes of RDATA instead of {expected}.");
        }

        return new IPAddress(data.Slice(start, length));
    }

    private static void EnsureConsumed(int offset, int dataEnd, DnsRecordType type, string name)
    {
        if (offset != dataEnd)
        {
            throw new FormatException($"The RDATA of a {type} record for '{name}' does not match its RDLENGTH.");
        }
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> message, ref int offset)
    {
        if (offset + 2 > message.Length)
        {
            throw new FormatException($"The message ends at offset {message.Length} inside a 16-bit field.");
        }

        var value = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
        offset += 2;
        return value;
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> message, ref int offset)
    {
        if (offset + 4 > message.Length)
        {
            throw new FormatException($"The message ends at offset {message.Length} inside a 32-bit field.");
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(message[offset..]);
        offset += 4;
        return value;
    }
}
