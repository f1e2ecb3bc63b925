// The TypeScript worker of the contract tests:
//     node worker.js --address HOST:PORT --task-queue QUEUE [--namespace NS]
const { NativeConnection, Worker } = require('@temporalio/worker');

function arg(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  if (index >= 0 && index + 1 < process.argv.length) {
    return process.argv[index + 1];
  }
  if (fallback === undefined) {
    throw new Error(`--${name} is required`);
  }
  return fallback;
}

async function main() {
  const connection = await NativeConnection.connect({ address: arg('address') });
  const taskQueue = arg('task-queue');
  const worker = await Worker.create({
    connection,
    namespace: arg('namespace', 'default'),
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
  });
  console.log(`worker ready on ${taskQueue}`);
  await worker.run();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
