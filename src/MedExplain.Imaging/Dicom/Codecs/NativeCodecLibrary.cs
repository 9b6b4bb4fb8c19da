using System.Runtime.InteropServices;

namespace MedExplain.Imaging.Dicom.Codecs;

/// <summary>
/// A reference C codec library (CharLS, OpenJPEG) loaded on first use from the system, the way Debian ships it. Calling
/// the reference implementation beats rewriting it; when it is missing, the error names the package that provides it.
/// </summary>
internal sealed class NativeCodecLibrary
{
    private readonly Lazy<IntPtr> _handle;

    /// <summary>Describes a library.</summary>
    /// <param name="what">What it decodes ("JPEG-LS").</param>
    /// <param name="debianPackage">The Debian package that installs it.</param>
    /// <param name="names">File names to try, most specific first.</param>
    public NativeCodecLibrary(string what, string debianPackage, params string[] names)
    {
        What = what;
        DebianPackage = debianPackage;
        _handle = new Lazy<IntPtr>(() => names.Select(n => NativeLibrary.TryLoad(n, out IntPtr h) ? h : IntPtr.Zero).FirstOrDefault(h => h != IntPtr.Zero));
    }

    public string What { get; }

    public string DebianPackage { get; }

    /// <summary>Gets a value indicating whether the library is on this machine.</summary>
    public bool IsAvailable => _handle.Value != IntPtr.Zero;

    /// <summary>The address of an exported function.</summary>
    /// <param name="name">The C symbol.</param>
    /// <param name="path">The file being decoded, for the message when the library is missing.</param>
    public IntPtr Export(string name, string path)
    {
        if (!IsAvailable)
        {
            throw new MedExplainInputException(path, $"is {What}-compressed; decoding it needs the {What} library, which is not installed (on Debian: apt-get install {DebianPackage}).");
        }

        return NativeLibrary.TryGetExport(_handle.Value, name, out IntPtr address)
            ? address
            : throw new MedExplainInputException(path, $"is {What}-compressed, but the installed {What} library lacks '{name}' (install a current {DebianPackage}).");
    }
}
