/**
 * The socket tickets already used on this object, kept until they expire, so
 * a ticket opens one socket. It lives in the object's SQLite: every API
 * isolate forwards a target's upgrades to this one object, and the rows
 * outlast evictions, so a replay is refused wherever it arrives.
 */
export class TicketLedger {
  constructor(private readonly sql: SqlStorage) {
    sql.exec("create table if not exists used_tickets (ticket_id text primary key, expires_at integer not null)");
  }

  /** True the first time an unexpired ticket id is presented; false for a replay or an expired one. */
  claim(ticketId: string, expiresAt: number, now = Date.now()): boolean {
    if (!ticketId || !Number.isFinite(expiresAt) || expiresAt <= now) return false;
    // A row can go once its ticket has expired: the ticket itself is refused from then on.
    this.sql.exec("delete from used_tickets where expires_at <= ?", now);
    // Synchronous SQL within one event: no other request can run between the read and the write.
    if (this.sql.exec("select 1 from used_tickets where ticket_id = ?", ticketId).toArray().length > 0) return false;
    this.sql.exec("insert into used_tickets (ticket_id, expires_at) values (?, ?)", ticketId, expiresAt);
    return true;
  }
}
