// Draws the figures of /console/stats into the page. Only textContent and attributes: no markup from data.
import { clock, count, millis, rate, shortAddress } from './format.js';

const NO_FIGURES = {
  'no-answer': 'no answer',
  unreachable: 'no figures: this node cannot reach it',
  unmetered: 'no figures: its management endpoint is off',
};
const FIGURE_COLUMNS = 8;

function element(tag, attributes = {}, text = undefined) {
  const created = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    created.setAttribute(name, value);
  }
  if (text !== undefined) {
    created.textContent = text;
  }
  return created;
}

function byTestId(id) {
  return document.querySelector(`[data-testid="${id}"]`);
}

function show(id, text, value = text) {
  const target = byTestId(id);
  target.textContent = text;
  target.dataset.value = String(value);
}

/** A number cell; data-value keeps the figure itself, and warn marks one that should be zero. */
function numberCell(id, value, text, warn = false) {
  return element('td', { class: warn && value > 0 ? 'num warn' : 'num', 'data-testid': id, 'data-value': String(value) }, text);
}

/** A rate with the total since the node started under it. */
function rateCell(id, perSecond, total, measured) {
  const cell = element('td', { class: 'num' });
  cell.append(
    element('span', { 'data-testid': `${id}-rate`, 'data-value': measured ? String(perSecond) : '' }, measured ? `${rate(perSecond)}/s` : 'measuring…'),
    element('small', { 'data-testid': `${id}-total`, 'data-value': String(total) }, `${count(total)} in all`));
  return cell;
}

function journalCell(writes) {
  if (!writes) {
    return element('td', { class: 'num quiet', 'data-testid': 'journal', title: 'no journal write in the last interval' }, '–');
  }
  return element('td', {
    class: 'num',
    'data-testid': 'journal',
    'data-p50': String(writes.p50),
    'data-p99': String(writes.p99),
    title: `mean ${millis(writes.mean)} ms over ${count(writes.count)} batch writes`,
  }, `${millis(writes.p50)} · ${millis(writes.p99)} ms`);
}

function nodeCell(member, stats) {
  const cell = element('td', { class: 'node' });
  cell.append(element('span', { class: 'address', title: member.address }, shortAddress(member.address)));
  if (member.address === stats.self) {
    cell.append(element('span', { class: 'badge self' }, 'this node'));
  }
  if (member.address === stats.leader) {
    cell.append(element('span', { class: 'badge leader', 'data-testid': 'leader-badge' }, 'leader'));
  }
  return cell;
}

function statusCell(member) {
  const cell = element('td', { 'data-testid': 'status' });
  cell.append(element('span', { class: `pill status-${member.status}` }, member.status));
  if (!member.reachable) {
    cell.append(element('span', { class: 'pill alarm', 'data-testid': 'unreachable' }, 'UNREACHABLE'));
  }
  return cell;
}

function memberRow(member, stats) {
  const row = element('tr', {
    'data-testid': 'member',
    'data-address': member.address,
    'data-status': member.status,
    'data-reachable': String(member.reachable),
    'data-answer': member.answer,
  });
  if (!member.reachable) {
    row.classList.add('unreachable');
  }
  row.append(nodeCell(member, stats), statusCell(member));
  const figures = member.figures;
  if (!figures) {
    row.append(element('td', { class: 'no-figures', colspan: String(FIGURE_COLUMNS), 'data-testid': 'no-figures' },
      NO_FIGURES[member.answer] ?? member.answer));
    return row;
  }
  const measured = figures.intervalSeconds > 0;
  row.append(
    numberCell('rooms', figures.rooms, count(figures.rooms)),
    numberCell('connections', figures.connections, count(figures.connections)),
    rateCell('stored', figures.messagesStoredPerSecond, figures.messagesStored, measured),
    rateCell('delivered', figures.deliveriesPerSecond, figures.deliveries, measured),
    journalCell(figures.journalWrites),
    numberCell('overflows', figures.outboxOverflows, count(figures.outboxOverflows), true),
    numberCell('throttled', figures.inboundThrottled, count(figures.inboundThrottled), true),
    numberCell('unreachable-seen', figures.unreachableNodes, count(figures.unreachableNodes), true));
  return row;
}

function showTotals(members) {
  const figures = members.map(member => member.figures).filter(Boolean);
  const sum = pick => figures.reduce((total, one) => total + pick(one), 0);
  const up = members.filter(member => member.status === 'up').length;
  const unreachable = members.filter(member => !member.reachable).length;
  show('total-up', `${up} of ${members.length}`, up);
  show('total-unreachable', count(unreachable), unreachable);
  byTestId('total-unreachable').closest('.card').classList.toggle('alarm', unreachable > 0);
  show('total-connections', count(sum(one => one.connections)), sum(one => one.connections));
  show('total-rooms', count(sum(one => one.rooms)), sum(one => one.rooms));
  const stored = sum(one => one.messagesStoredPerSecond);
  const delivered = sum(one => one.deliveriesPerSecond);
  show('total-stored-rate', `${rate(stored)}/s`, stored);
  show('total-delivery-rate', `${rate(delivered)}/s`, delivered);
}

export function renderStats(stats, at) {
  show('self', shortAddress(stats.self), stats.self);
  show('leader', stats.leader ? shortAddress(stats.leader) : 'none', stats.leader ?? '');
  byTestId('members').replaceChildren(...stats.members.map(member => memberRow(member, stats)));
  showTotals(stats.members);
  const freshness = byTestId('freshness');
  freshness.textContent = `Live · updated ${clock(at)}`;
  freshness.classList.remove('stale');
}

export function renderFailure(error, lastUpdate) {
  const freshness = byTestId('freshness');
  const since = lastUpdate ? `; figures from ${clock(lastUpdate)}` : '';
  freshness.textContent = `This node does not answer (${error.message})${since}`;
  freshness.classList.add('stale');
}
