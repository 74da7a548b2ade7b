using Broker.Host.Commands;

return await BrokerCommands.RunAsync(args, Console.Out, Console.Error);
