using System.Buffers.Binary;
using System.Text;

namespace PoshClient.Dns;

/// <summary>Builds query messages (RFC 1035 §4.1) with an EDNS0 OPT record (RFC 6891).</summary>
internal static class DnsQueryBuilder
{
    /// <summary>
    /// The UDP payload size we advertise: 1232 bytes avoids IP fragmentation on any path (DNS Flag Day 2020), and
    /// anything larger comes back with TC=1 and is fetched over TCP.
    /// </summary>
    public const int AdvertisedUdpPayloadSize = 1232;

    /// <summary>RFC 1035 §2.3.4: 255 octets for a whole name in wire form, 63 for a label.</summary>
    private const int MaxNameLength = 255;
    private const int MaxLabelLength = 63;
    private const int HeaderLength = 12;
    private const int OptRecordLength = 11;

    /// <summary>
    /// Builds a recursive (RD=1) query for one question of class IN. <paramref name="asciiName"/> is an absolute name
    /// in ASCII (IDNA already applied) without trailing dot. <paramref name="requestDnssec"/> sets the DO bit (RFC 3225),
    /// so that a validating resolver returns RRSIGs and says in the AD bit whether it validated the answer (RFC 4035 §3.2.3).
    /// </summary>
    public static byte[] Build(ushort id, string asciiName, DnsRecordType type, bool useEdns = true, bool requestDnssec = false)
    {
        var name = EncodeName(asciiName);
        var message = new byte[HeaderLength + name.Length + 4 + (useEdns ? OptRecordLength : 0)];
        var span = message.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span, id);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], 0x0100); // QR=0, OPCODE=QUERY, RD=1
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], 1); // QDCOUNT
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], useEdns ? (ushort)1 : (ushort)0); // ARCOUNT
        name.CopyTo(span[HeaderLength..]);
        var offset = HeaderLength + name.Length;
        BinaryPrimitives.WriteUInt16BigEndian(span[offset..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 2)..], DnsQuestion.ClassInternet);
        if (useEdns)
        {
            // RFC 6891 §6.1.2: root owner name, TYPE OPT, CLASS = payload size, TTL = extended RCODE/version/flags, no options.
            offset += 4;
            span[offset] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 1)..], (ushort)DnsRecordType.Opt);
            BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 3)..], AdvertisedUdpPayloadSize);
            if (requestDnssec)
            {
                // RFC 3225 §3: DO is the top bit of the flags half of the OPT TTL (bytes: extended RCODE, version, flags).
                span[offset + 7] = 0x80;
            }
        }

        return message;
    }

    /// <summary>Encodes a dotted ASCII name as labels (RFC 1035 §3.1); throws <see cref="ArgumentException"/> when it cannot be a DNS name.</summary>
    public static byte[] EncodeName(string asciiName)
    {
        var trimmed = asciiName.EndsWith('.') ? asciiName[..^1] : asciiName;
        if (trimmed.Length == 0)
        {
            return [0];
        }

        var labels = trimmed.Split('.');
        var result = new byte[trimmed.Length + 2];
        var offset = 0;
        foreach (var label in labels)
        {
            if (label.Length is 0 or > MaxLabelLength)
            {
                throw new ArgumentException($"'{asciiName}' has a label of {label.Length} characters; DNS labels have 1 to {MaxLabelLength} (RFC 1035 §2.3.4).", nameof(asciiName));
            }

            if (!Ascii.IsValid(label))
            {
                throw new ArgumentException($"'{asciiName}' is not ASCII; convert it with IdnMapping first.", nameof(asciiName));
            }

            result[offset++] = (byte)label.Length;
            offset += Encoding.ASCII.GetBytes(label, result.AsSpan(offset));
        }

        result[offset] = 0;
        if (result.Length > MaxNameLength)
        {
            throw new ArgumentException($"'{asciiName}' is longer than {MaxNameLength} octets in wire form (RFC 1035 §2.3.4).", nameof(asciiName));
        }

        return result;
    }
}
