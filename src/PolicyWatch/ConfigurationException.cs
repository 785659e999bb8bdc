namespace PolicyWatch;

/// <summary>A configuration or input file is wrong; the message names the file, the entry and the field.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
