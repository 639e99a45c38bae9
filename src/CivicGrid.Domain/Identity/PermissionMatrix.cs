namespace CivicGrid.Domain.Identity;

/// <summary>
/// Role × permission, read from a CSV (the embedded <c>permissions.csv</c> by default): a header
/// <c>permission,role1,role2,…</c> naming every <see cref="Role"/>, then one row per
/// <see cref="Permission"/> with <c>x</c> where the role holds it. Lines starting with <c>#</c> are
/// comments. A matrix that misses a role or a permission, or names an unknown one, does not load.
/// </summary>
public sealed class PermissionMatrix
{
    private const string ResourceName = "CivicGrid.Domain.Identity.permissions.csv";
    private readonly Dictionary<string, HashSet<Role>> _grants;

    private PermissionMatrix(Dictionary<string, HashSet<Role>> grants) => _grants = grants;

    /// <summary>The matrix shipped with the platform.</summary>
    public static PermissionMatrix Default { get; } = LoadDefault();

    /// <summary>The permissions, in file order.</summary>
    public IReadOnlyCollection<string> Permissions => _grants.Keys;

    /// <summary>True when the role holds the permission.</summary>
    public bool Allows(Role role, string permission) =>
        _grants.TryGetValue(permission, out var roles) && roles.Contains(role);

    /// <summary>The roles holding a permission.</summary>
    public IReadOnlySet<Role> RolesWith(string permission) =>
        _grants.TryGetValue(permission, out var roles) ? roles : new HashSet<Role>();

    /// <summary>Parses a matrix.</summary>
    /// <exception cref="FormatException">The text is not a complete, well-formed matrix.</exception>
    public static PermissionMatrix Parse(string csv)
    {
        var lines = csv.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (lines.Count == 0)
        {
            throw new FormatException("The permission matrix is empty.");
        }

        var header = lines[0].Split(',');
        if (!string.Equals(header[0], "permission", StringComparison.Ordinal))
        {
            throw new FormatException("The first column of the permission matrix is 'permission'.");
        }

        var roles = new List<Role>();
        foreach (var name in header.Skip(1))
        {
            if (!name.All(char.IsAsciiLetter) || !Enum.TryParse<Role>(name, ignoreCase: true, out var role))
            {
                throw new FormatException($"Unknown role '{name}' in the permission matrix header.");
            }

            roles.Add(role);
        }

        var missingRoles = Enum.GetValues<Role>().Except(roles).ToList();
        if (missingRoles.Count > 0 || roles.Distinct().Count() != roles.Count)
        {
            throw new FormatException($"The permission matrix must name every role once; missing: {string.Join(", ", missingRoles)}.");
        }

        var grants = new Dictionary<string, HashSet<Role>>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length != header.Length)
            {
                throw new FormatException($"Row '{cells[0]}' has {cells.Length} cells; the header has {header.Length}.");
            }

            if (!Permission.All.Contains(cells[0], StringComparer.Ordinal))
            {
                throw new FormatException($"Unknown permission '{cells[0]}'.");
            }

            var set = new HashSet<Role>();
            for (var i = 1; i < cells.Length; i++)
            {
                switch (cells[i].Trim())
                {
                    case "x" or "X":
                        set.Add(roles[i - 1]);
                        break;
                    case "":
                        break;
                    default:
                        throw new FormatException($"Cell '{cells[i]}' of '{cells[0]}' is neither 'x' nor empty.");
                }
            }

            if (!grants.TryAdd(cells[0], set))
            {
                throw new FormatException($"Permission '{cells[0]}' appears twice.");
            }
        }

        var missing = Permission.All.Except(grants.Keys, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new FormatException($"The permission matrix has no row for: {string.Join(", ", missing)}.");
        }

        return new PermissionMatrix(grants);
    }

    private static PermissionMatrix LoadDefault()
    {
        using var stream = typeof(PermissionMatrix).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
