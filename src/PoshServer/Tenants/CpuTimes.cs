using System.Runtime.InteropServices;

namespace PoshServer.Tenants;

/// <summary>CPU time used so far by the whole process and by the calling thread (user and system time together).</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct CpuTimes(TimeSpan Process, TimeSpan Thread);
