// How the console writes addresses, counts, rates and times.

const counts = new Intl.NumberFormat('en');

/** akka.tcp://actorchat@10.0.0.5:2551 → 10.0.0.5:2551 */
export function shortAddress(address) {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1) : address;
}

export function count(value) {
  return counts.format(value);
}

export function rate(perSecond) {
  return perSecond >= 100 ? counts.format(Math.round(perSecond)) : perSecond.toFixed(1);
}

export function millis(value) {
  if (value < 10) {
    return value.toFixed(2);
  }
  return value < 100 ? value.toFixed(1) : counts.format(Math.round(value));
}

export function clock(date) {
  return date.toLocaleTimeString('en-GB', { hour12: false });
}
