import { Migration } from '@mikro-orm/migrations';

export class Migration20261202031105_message_ledger extends Migration {

  override name = 'Migration20261202031105_message_ledger';

  override up(): void | Promise<void> {
    this.addSql(`create table "message" ("seq" bigserial primary key, "instance_id" uuid not null, "wa_id" varchar(255) not null, "direction" varchar(255) not null, "from_me" boolean not null, "chat_jid" varchar(255) not null, "sender_jid" varchar(255) null, "sender_lid" varchar(255) null, "sender_phone" varchar(255) null, "kind" varchar(255) not null, "content" bytea not null, "quoted_id" varchar(255) null, "wa_timestamp" timestamptz null, "status" varchar(255) not null, "status_times" jsonb not null, "error_code" varchar(255) null, "error_message" text null, "idempotency_key" varchar(255) null, "send_after" timestamptz null, "attempts" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`create index "message_created_at_index" on "message" ("created_at");`);
    this.addSql(`create index "message_instance_id_seq_index" on "message" ("instance_id", "seq");`);
    this.addSql(`create index "message_instance_id_chat_jid_seq_index" on "message" ("instance_id", "chat_jid", "seq");`);
    this.addSql(`create index "message_status_instance_id_seq_index" on "message" ("status", "instance_id", "seq");`);
    this.addSql(`alter table "message" add constraint "message_instance_id_wa_id_unique" unique ("instance_id", "wa_id");`);
    this.addSql(`alter table "message" add constraint "message_instance_id_idempotency_key_unique" unique ("instance_id", "idempotency_key");`);

    this.addSql(`alter table "message" add constraint "message_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "message" cascade;`);
  }

}
