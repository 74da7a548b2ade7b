using Broker.Host;
using Broker.Host.Commands;

ProcessRuntime.Configure();
return await BrokerCommands.RunAsync(args, Console.Out, Console.Error);
