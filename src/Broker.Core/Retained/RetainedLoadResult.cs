namespace Broker.Core.Retained;

/// <summary>What loading the stored retained messages found: rows loaded, rows expired and rows unreadable (both of those deleted).</summary>
public sealed record RetainedLoadResult(int Loaded, int Expired, int Unreadable);
