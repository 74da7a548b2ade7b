using System.Text;
using Broker.Actors.TestKit;
using Broker.Core.Security.Dashboard;
using Broker.Core.Security.Records;
using Broker.Host.Management;
using Broker.Host.Options;

namespace Broker.Host.Tests.Management;

/// <summary>What depends on the clock, on a clock the test moves: a token's end, and the login lock after wrong passwords.</summary>
public sealed class ApiAccessClockTests
{
    private readonly ManualTimeProvider _time = new();

    private ApiAccess Access(BrokerOptions? options = null)
    {
        var access = new ApiAccess(new SecurityStore(null, _time), options ?? new BrokerOptions(), _time);
        access.SeedDefaultUser();
        return access;
    }

    [Fact]
    public async Task A_token_is_taken_until_token_expired_time_then_refused_as_timed_out_and_swept()
    {
        var options = new BrokerOptions();
        options.Dashboard.TokenExpiredTime = Broker.Host.Configuration.Duration.FromMinutes(60);
        var store = new SecurityStore(null, _time);
        var access = new ApiAccess(store, options, _time);
        access.SeedDefaultUser();
        var token = await access.Tokens.IssueAsync(access.Users.Verify("admin", "public")!, options.Dashboard.TokenExpiredTime.Value, _time.GetUtcNow());

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(ApiCallerKind.User, access.Authenticate("Bearer " + token).Caller?.Kind);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Same(ApiRefusal.TokenTimeOut, access.Authenticate("Bearer " + token).Refusal);
        Assert.Equal(1, store.Sweep(ApiTokens.TableKind));
        Assert.Same(ApiRefusal.BadToken, access.Authenticate("Bearer " + token).Refusal);
    }

    [Fact]
    public void Five_wrong_passwords_in_five_minutes_lock_the_username_for_ten()
    {
        var access = Access();
        for (var i = 0; i < LoginLock.MaxAttempts - 1; i++)
        {
            access.LoginLock.Failed("admin");
            _time.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.False(access.LoginLock.IsLocked("admin"));
        access.LoginLock.Failed("admin");
        Assert.True(access.LoginLock.IsLocked("admin"));
        Assert.False(access.LoginLock.IsLocked("someone-else"));
        _time.Advance(LoginLock.LockDuration);
        Assert.False(access.LoginLock.IsLocked("admin"));
    }

    [Fact]
    public void Failures_further_apart_than_the_interval_do_not_lock()
    {
        var access = Access();
        for (var i = 0; i < LoginLock.MaxAttempts * 2; i++)
        {
            access.LoginLock.Failed("admin");
            _time.Advance(LoginLock.Interval / 2);
        }

        Assert.False(access.LoginLock.IsLocked("admin"));
    }

    [Fact]
    public async Task An_api_key_past_expired_at_is_refused()
    {
        var access = Access();
        var (key, secret) = await access.Keys.CreateAsync("nightly", "", true, _time.GetUtcNow().AddHours(1), AdminRole.Viewer, _time.GetUtcNow());
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{key.Key}:{secret}"));

        Assert.Equal(AdminRole.Viewer, access.Authenticate(basic).Caller?.Role);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Same(ApiRefusal.BadApiKey, access.Authenticate(basic).Refusal);
    }

    [Fact]
    public async Task The_default_admin_is_not_made_when_a_user_exists_and_is_outranked_by_any_change()
    {
        var store = new SecurityStore(null, _time);
        var access = new ApiAccess(store, new BrokerOptions(), _time);
        access.SeedDefaultUser();
        Assert.Equal(0, store.Get(DashboardUsers.TableKind, "admin")!.Version);
        Assert.NotNull(access.Users.Verify("admin", "public"));
        Assert.Null(access.Users.Verify("admin", "wrong"));
        Assert.Null(access.Users.Verify("nobody", "public"));

        // A changed password outranks the seed: seeding again (a restart) does not bring "public" back.
        await access.Users.PutAsync("admin", "changed-pw", AdminRole.Administrator, "administrator");
        access.SeedDefaultUser();
        Assert.Null(access.Users.Verify("admin", "public"));
        Assert.NotNull(access.Users.Verify("admin", "changed-pw"));

        // A node that knows another user makes no default admin.
        var other = new ApiAccess(new SecurityStore(null, _time), new BrokerOptions(), _time);
        await other.Users.PutAsync("operator", "pw", AdminRole.Administrator, "");
        other.SeedDefaultUser();
        Assert.Null(other.Users.Find("admin"));
    }

    [Fact]
    public void Api_key_bootstrap_file_lines_become_keys_and_a_bad_line_names_the_key()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "# keys\nops-key:ops-secret-0123456789\n\nro-key:ro-secret-0123456789:viewer\n");
            var options = new BrokerOptions();
            options.ApiKey.BootstrapFile = file;
            var access = new ApiAccess(new SecurityStore(null, _time), options, _time);
            Assert.Equal(AdminRole.Viewer, access.Authenticate("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ro-key:ro-secret-0123456789"))).Caller?.Role);
            Assert.Equal(AdminRole.Administrator, access.Authenticate("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ops-key:ops-secret-0123456789"))).Caller?.Role);

            File.WriteAllText(file, "ops-key:ops-secret:root\n");
            var error = Assert.Throws<Broker.Host.Security.SecurityConfigurationException>(() => new ApiAccess(new SecurityStore(null, _time), options, _time));
            Assert.StartsWith($"api_key.bootstrap_file: {file}:1:", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
