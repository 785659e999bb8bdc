using PolicyWatch.Host.Cli;

// `policywatch [global options] <verb> ...`: the web app, the Hangfire worker and the command line in one binary.
return await PolicyWatchCli.RunAsync(args);
