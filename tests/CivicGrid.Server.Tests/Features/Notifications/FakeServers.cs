using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace CivicGrid.Server.Tests.Features.Notifications;

/// <summary>
/// A small SMTP server on a TcpListener: it speaks just enough of RFC 5321 (EHLO/HELO, MAIL,
/// RCPT, DATA, RSET, NOOP, QUIT) to take messages from System.Net.Mail and keeps each raw message.
/// </summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeSmtpServer()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The messages received: envelope recipients and the raw DATA.</summary>
    public ConcurrentQueue<(IReadOnlyList<string> To, string Data)> Messages { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => SessionAsync(client));
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 fake-smtp ready");
        var to = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                case "HELO":
                    await writer.WriteLineAsync("250 fake-smtp");
                    break;
                case "MAIL":
                    to.Clear();
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RCPT":
                    to.Add(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim().Trim('<', '>'));
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } body && body != ".")
                    {
                        data.Append(body.StartsWith("..", StringComparison.Ordinal) ? body[1..] : body).Append("\r\n");
                    }

                    Messages.Enqueue(([.. to], data.ToString()));
                    await writer.WriteLineAsync("250 queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return;
                default:
                    await writer.WriteLineAsync("250 OK");
                    break;
            }
        }
    }
}

/// <summary>A local HTTP SMS gateway (HttpListener) that records each POSTed message; it can be told to fail.</summary>
public sealed class FakeSmsGateway : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;

    public FakeSmsGateway()
    {
        // A free port can be taken by a parallel test between the probe and the bind: try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = Infrastructure.CivicGridApp.FreeTcpPort();
            _listener = new HttpListener();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (Exception e) when (attempt < 10 && e is HttpListenerException or System.Net.Sockets.SocketException)
            {
                _listener.Close();
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/sms");

    /// <summary>Answer 503 to this many requests first.</summary>
    public int FailNext { get; set; }

    /// <summary>Every accepted message: its id, its Idempotency-Key header, to and text.</summary>
    public ConcurrentQueue<(string Id, string? Key, string To, string Text)> Messages { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            if (FailNext > 0)
            {
                FailNext--;
                context.Response.StatusCode = 503;
                context.Response.Close();
                continue;
            }

            using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
            var root = body.RootElement;
            Messages.Enqueue((root.GetProperty("id").GetString()!, context.Request.Headers["Idempotency-Key"], root.GetProperty("to").GetString()!, root.GetProperty("text").GetString()!));
            context.Response.StatusCode = 202;
            context.Response.Close();
        }
    }
}
