import { Migration } from '@mikro-orm/migrations';

export class Migration20261202040717_webhook_watermark extends Migration {

  override name = 'Migration20261202040717_webhook_watermark';

  override up(): void | Promise<void> {
    this.addSql(`create table "webhook_watermark" ("name" text not null, "seq" bigint not null, primary key ("name"));`);
    // Messages stored before webhooks followed the ledger are not replayed to them.
    this.addSql(`insert into "webhook_watermark" ("name", "seq") select 'messageReceived', coalesce(max("seq"), 0) from "message";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "webhook_watermark" cascade;`);
  }

}
