import type { UserFromGetMe } from 'grammy/types';

/** The bot the shared Telegram fixtures were written for (id 7000000001, @PaywallTestBot). */
export const testBotInfo: UserFromGetMe = {
  id: 7000000001,
  is_bot: true,
  first_name: 'Paywall Test Bot',
  username: 'PaywallTestBot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

export const testBotToken = `${testBotInfo.id}:AAFakeTokenForTestsOnly_0123456789`;
