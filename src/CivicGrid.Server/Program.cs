using CivicGrid.Server;

return await CivicGridCli.RunAsync(args);

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
