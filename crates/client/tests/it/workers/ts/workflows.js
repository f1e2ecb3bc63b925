// The `order` workflow of examples/contract-sample, in TypeScript's runtime (plain JavaScript,
// so the tests need no compiler). It also registers a `priority` query that the contract does
// not declare, which the contract check must report.
const { condition, defineQuery, defineSignal, defineUpdate, setHandler } = require('@temporalio/workflow');

const approve = defineSignal('approve');
const cancel = defineSignal('cancel');
const lines = defineQuery('lines');
const status = defineQuery('status');
const priority = defineQuery('priority');
const addItem = defineUpdate('addItem');
const addSku = defineUpdate('addSku');

async function order(customer) {
  const items = [];
  let state = 'open';
  let approver = '';
  setHandler(approve, (who) => {
    approver = who;
    state = 'approved';
  });
  setHandler(cancel, () => {
    state = 'cancelled';
  });
  setHandler(lines, () => items);
  setHandler(status, () => state);
  setHandler(priority, () => 'normal');
  setHandler(addItem, (sku, quantity) => {
    items.push({ sku, quantity });
    return items.length;
  });
  setHandler(addSku, (sku) => {
    items.push({ sku, quantity: 1 });
    return items.length;
  });
  await condition(() => state !== 'open');
  return `${customer}: ${items.length} lines, ${state} by ${approver || 'nobody'}`;
}

module.exports = { order };
