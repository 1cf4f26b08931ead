import { Migration } from '@mikro-orm/migrations';

export class Migration20261201073508_legacy_rest extends Migration {

  override name = 'Migration20261201073508_legacy_rest';

  override up(): void | Promise<void> {
    this.addSql(`alter table "instance" add "used" boolean not null default true, add "note" text null;`);

    this.addSql(`alter table "app_user" add "email" varchar(255) null, add "full_name" varchar(255) null;`);
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "app_user" drop constraint "app_user_email_unique";`);
    this.addSql(`alter table "app_user" drop column "email", drop column "full_name";`);

    this.addSql(`alter table "instance" drop column "used", drop column "note";`);
  }

}
