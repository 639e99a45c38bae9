using System.Text;
using JiebaNet.Segmenter;

namespace CivicGrid.Server.Features.Intake.Classification;

/// <summary>
/// Text preparation shared by training and prediction: Unicode NFKC (full-width letters and digits
/// become ASCII), lower case, whitespace runs collapsed; and a word view for word n-grams, from
/// jieba.NET's segmentation, whose dictionary files are copied beside the executable under
/// <c>Resources/</c> by the build.
/// </summary>
public static class ReportText
{
    private static readonly Lazy<JiebaSegmenter> Segmenter = new(() =>
    {
        ConfigManager.ConfigFileBaseDir = Path.Combine(AppContext.BaseDirectory, "Resources");
        if (!File.Exists(ConfigManager.MainDictFile))
        {
            throw new InvalidOperationException($"jieba.NET's dictionary is missing: {ConfigManager.MainDictFile}");
        }

        return new JiebaSegmenter();
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>NFKC, lower case, single spaces, trimmed.</summary>
    public static string Normalize(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var result = new StringBuilder(normalized.Length);
        var space = false;
        foreach (var ch in normalized)
        {
            if (char.IsWhiteSpace(ch) || char.IsControl(ch))
            {
                space = result.Length > 0;
                continue;
            }

            if (space)
            {
                result.Append(' ');
                space = false;
            }

            result.Append(ch);
        }

        return result.ToString();
    }

    /// <summary>The words of normalised text separated by single spaces; punctuation dropped.</summary>
    public static string Words(string normalized)
    {
        var words = new StringBuilder(normalized.Length + (normalized.Length / 2));
        foreach (var token in Segmenter.Value.Cut(normalized, cutAll: false, hmm: true))
        {
            if (!token.Any(char.IsLetterOrDigit))
            {
                continue;
            }

            if (words.Length > 0)
            {
                words.Append(' ');
            }

            words.Append(token.Trim());
        }

        return words.ToString();
    }
}
