using System.Runtime.InteropServices;
using PoshClient.Documents;

namespace PoshClient.Verification;

/// <summary>Which descriptor matched (or -1), by which algorithm, and how many descriptors could match at all.</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct PoshMatchResult(int DescriptorIndex, PoshHashAlgorithm? Algorithm, int UsableDescriptors)
{
    public bool IsMatch => DescriptorIndex >= 0;
}
