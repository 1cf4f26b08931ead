import { Migration } from '@mikro-orm/migrations';

export class Migration20261202061015_send_pause extends Migration {

  override name = 'Migration20261202061015_send_pause';

  override up(): void | Promise<void> {
    this.addSql(`create table "send_pause" ("instance_id" uuid not null, "code" varchar(255) not null, "message" text not null, "message_id" varchar(255) null, "paused_at" timestamptz not null, "resumes_at" timestamptz null, primary key ("instance_id"));`);

    this.addSql(`alter table "send_pause" add constraint "send_pause_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "send_pause" cascade;`);
  }

}
