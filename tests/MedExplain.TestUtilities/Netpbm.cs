using System.Text;

namespace MedExplain.TestUtilities;

/// <summary>Reads the binary PGM (P5) and PPM (P6) files dcm2pnm writes.</summary>
public static class Netpbm
{
    /// <summary>Reads a file: width, height, samples per pixel and the 8-bit samples, row-major, interleaved.</summary>
    public static (int Width, int Height, int Channels, byte[] Samples) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int at = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)bytes[at]) || bytes[at] == '#')
            {
                if (bytes[at] == '#')
                {
                    while (bytes[at] != '\n')
                    {
                        at++;
                    }
                }

                at++;
            }

            int start = at;
            while (!char.IsWhiteSpace((char)bytes[at]))
            {
                at++;
            }

            return Encoding.ASCII.GetString(bytes, start, at - start);
        }

        string magic = Token();
        int width = int.Parse(Token()), height = int.Parse(Token()), max = int.Parse(Token());
        if (max > 255 || magic is not ("P5" or "P6"))
        {
            throw new InvalidDataException($"{path}: only 8-bit P5/P6 is read here.");
        }

        int channels = magic == "P5" ? 1 : 3;
        return (width, height, channels, bytes[(at + 1)..(at + 1 + (width * height * channels))]);
    }
}
