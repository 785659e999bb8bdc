namespace PolicyWatch;

public static class AppPaths
{
    /// <summary>A configured file or folder: as given if absolute or present in the working directory, else beside the executable.</summary>
    public static string Resolve(string path) =>
        Path.IsPathRooted(path) || File.Exists(path) || Directory.Exists(path) ? Path.GetFullPath(path) : Path.Combine(AppContext.BaseDirectory, path);
}
